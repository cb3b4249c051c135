// setjmp/longjmp: repeated jumps to one buffer, a jump through several
// frames, nested setjmp buffers with a longjmp from the inner handler to the
// outer one. (longjmp(buf, 0) is left out: 3.1.6 returns a stale
// tempRet0 there instead of 1.) Each function has one setjmp
// call site (Emscripten 3.1.6 mishandles several sites in one function).
#include <setjmp.h>
#include <stdio.h>

static jmp_buf outer, inner;
static volatile int depth;

static void dive(int n, jmp_buf *to) {
    depth++;
    if (n == 0) longjmp(*to, depth);
    dive(n - 1, to);
    printf("never printed\n");
}

static void repeated(void) {
    jmp_buf b;
    volatile int count = 0;
    int r = setjmp(b);
    printf("setjmp returned %d\n", r);
    if (count++ < 3) longjmp(b, count * 10);
}

static void nested(void) {
    int r = setjmp(inner);
    if (r == 0) {
        printf("inner set\n");
        dive(3, &inner);
    }
    printf("inner caught %d\n", r);
    depth = 41;
    dive(0, &outer);
    printf("never printed either\n");
}

static void two_levels(void) {
    int r = setjmp(outer);
    if (r == 0) {
        printf("outer set\n");
        nested();
    }
    printf("outer caught %d\n", r);
}

static void deep(void) {
    jmp_buf b;
    depth = 0;
    int r = setjmp(b);
    if (r == 0) dive(50, &b);
    printf("deep longjmp returned %d\n", r);
}

int main(void) {
    repeated();
    two_levels();
    deep();
    printf("done\n");
    return 0;
}
