//! args: argc, every argument after argv[0] as `arg[i]=...`, then the number
//! of environment variables and every variable sorted by name (bytewise).
//! Same output as c/args and rust/args.
const std = @import("std");

fn lessThan(_: void, a: []const u8, b: []const u8) bool {
    return std.mem.lessThan(u8, a, b);
}

pub fn main(init: std.process.Init) !void {
    const arena = init.arena.allocator();
    var buf: [4096]u8 = undefined;
    var fw = std.Io.File.stdout().writer(init.io, &buf);
    const out = &fw.interface;

    const args = try init.minimal.args.toSlice(arena);
    try out.print("argc={d}\n", .{args.len});
    for (args[1..], 1..) |a, i| try out.print("arg[{d}]={s}\n", .{ i, a });

    const names = try arena.dupe([]const u8, init.environ_map.keys());
    std.mem.sort([]const u8, names, {}, lessThan);
    try out.print("envc={d}\n", .{names.len});
    for (names) |n| try out.print("{s}={s}\n", .{ n, init.environ_map.get(n).? });
    try out.flush();
}
