//! files PREOPEN: looks up the preopened directory PREOPEN by name
//! (fd_prestat_get/fd_prestat_dir_name), reads input.txt, creates and reads
//! back out.txt, lists the directory sorted by name, then exercises
//! exclusive create, mkdir, rename, stat, delete and a few errors.
//! Errors are printed as Zig error names (e.g. FileNotFound).
//! File contents are printed quoted, bytes outside printable ASCII as \xNN.
const std = @import("std");
const Io = std.Io;

var out: *Io.Writer = undefined;
var io: Io = undefined;
var gpa: std.mem.Allocator = undefined;

fn putEsc(bytes: []const u8) !void {
    try out.writeByte('"');
    for (bytes) |c| {
        if (c >= 0x20 and c < 0x7f and c != '"' and c != '\\') {
            try out.writeByte(c);
        } else {
            try out.print("\\x{x:0>2}", .{c});
        }
    }
    try out.writeByte('"');
}

fn showRead(dir: Io.Dir, name: []const u8) !void {
    try out.print("read {s}: ", .{name});
    if (dir.readFileAlloc(io, name, gpa, .limited(1 << 16))) |data| {
        try putEsc(data);
    } else |e| {
        try out.writeAll(@errorName(e));
    }
    try out.writeByte('\n');
}

fn lessThan(_: void, a: []const u8, b: []const u8) bool {
    return std.mem.lessThan(u8, a, b);
}

fn list(parent: Io.Dir, name: []const u8) !void {
    try out.print("list {s}:", .{name});
    var dir = parent.openDir(io, name, .{ .iterate = true }) catch |e| {
        try out.print(" {s}\n", .{@errorName(e)});
        return;
    };
    defer dir.close(io);
    var entries: std.ArrayList([]const u8) = .empty;
    var kinds = std.StringHashMap(Io.File.Kind).init(gpa);
    var it = dir.iterate();
    while (try it.next(io)) |entry| {
        const n = try gpa.dupe(u8, entry.name);
        try entries.append(gpa, n);
        try kinds.put(n, entry.kind);
    }
    std.mem.sort([]const u8, entries.items, {}, lessThan);
    for (entries.items) |n| try out.print(" {s}({s})", .{ n, @tagName(kinds.get(n).?) });
    try out.writeByte('\n');
}

fn result(label: []const u8, r: anyerror!void) !void {
    if (r) |_| {
        try out.print("{s}: ok\n", .{label});
    } else |e| {
        try out.print("{s}: {s}\n", .{ label, @errorName(e) });
    }
}

pub fn main(init: std.process.Init) !u8 {
    io = init.io;
    gpa = init.arena.allocator();
    var buf: [4096]u8 = undefined;
    var fw = Io.File.stdout().writer(io, &buf);
    out = &fw.interface;
    defer out.flush() catch {};

    const args = try init.minimal.args.toSlice(gpa);
    if (args.len != 2) {
        try out.writeAll("usage: files PREOPEN\n");
        return 2;
    }
    const dir = switch (init.preopens.get(args[1]) orelse {
        try out.print("preopen {s}: not found\n", .{args[1]});
        return 1;
    }) {
        .dir => |d| d,
        .file => {
            try out.print("preopen {s}: not a directory\n", .{args[1]});
            return 1;
        },
    };
    try out.print("preopen {s}: dir\n", .{args[1]});

    try showRead(dir, "input.txt");
    try showRead(dir, "sub/nested.txt");
    try showRead(dir, "missing.txt");
    try showRead(dir, "sub");

    const text = "written by zig\nline 2\x00\xff\n";
    try result("write out.txt", dir.writeFile(io, .{ .sub_path = "out.txt", .data = text }));
    try showRead(dir, "out.txt");
    try result("create exclusive out.txt", blk: {
        const f = dir.createFile(io, "out.txt", .{ .exclusive = true }) catch |e| break :blk e;
        f.close(io);
        break :blk {};
    });
    try list(dir, ".");

    try result("mkdir newdir", dir.createDir(io, "newdir", .default_dir));
    try result("mkdir newdir", dir.createDir(io, "newdir", .default_dir));
    try result("rename out.txt newdir/moved.txt", dir.rename("out.txt", dir, "newdir/moved.txt", io));
    try showRead(dir, "out.txt");
    if (dir.statFile(io, "newdir/moved.txt", .{})) |st| {
        try out.print("stat newdir/moved.txt: kind={s} size={d}\n", .{ @tagName(st.kind), st.size });
    } else |e| {
        try out.print("stat newdir/moved.txt: {s}\n", .{@errorName(e)});
    }
    try list(dir, "newdir");
    try result("rmdir newdir", dir.deleteDir(io, "newdir"));
    try result("unlink newdir/moved.txt", dir.deleteFile(io, "newdir/moved.txt"));
    try result("unlink newdir/moved.txt", dir.deleteFile(io, "newdir/moved.txt"));
    try result("rmdir newdir", dir.deleteDir(io, "newdir"));
    try list(dir, ".");
    try list(dir, "sub");
    try list(dir, "missing");
    return 3;
}
