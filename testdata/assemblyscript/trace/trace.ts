// trace with 0 to 5 arguments; the floats cover JavaScript's number
// formatting: integers, fractions, exponents both ways, -0, NaN, infinities.
console.log("before");
trace("zero");
trace("one", 1, 1.5);
trace("two", 2, 0.1, -2.5);
trace("three", 3, 1e21, 1e-7, 123456789.125);
trace("four", 4, -0.0, NaN, Infinity, -Infinity);
trace("five", 5, 0.30000000000000004, 5e-324, 1.7976931348623157e308, 100, 1e20);
trace("n beyond five is clamped", 9, 1, 2, 3, 4, 5);
trace("negative n counts from the end, as slice does", -1, 1, 2);
trace("ünïcödé 🎉", 1, 42);
// console.log formats its first argument (node's util.format): the
// bindings' output depends on it, the loader's does not.
trace("percent %d and %s", 2, 7, 2.5);
trace("%i %f %j %c|", 4, 1.5, -0.0, NaN, 9);
trace("100%% done", 0);
trace("100%% of %d", 1, 3);
trace("%x stays, extra", 2, 1, 2);
trace("%d %d %d", 2, 1, 2);
trace("%i of big and small", 2, 1e21, -0.5);
console.log("after");
