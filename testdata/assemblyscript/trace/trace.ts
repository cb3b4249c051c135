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
console.log("after");
