//! hello: one line to stdout, exit code 3 (returned from main).
const std = @import("std");

pub fn main(init: std.process.Init) !u8 {
    var buf: [256]u8 = undefined;
    var w = std.Io.File.stdout().writer(init.io, &buf);
    try w.interface.writeAll("hello from zig\n");
    try w.interface.flush();
    return 3;
}
