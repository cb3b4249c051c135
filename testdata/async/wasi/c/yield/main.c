/* yield: sched_yield() (WASI sched_yield) five times with a line after each;
 * between yields a counter on the guest stack is updated, so a host that
 * suspends at the yield must restore the frame to print the right numbers.
 * Exports neither malloc/free nor asyncify_malloc_buffer: the host has to
 * reserve the unwind buffer itself (by growing memory). */
#include <sched.h>
#include <stdio.h>

int main(void) {
    volatile unsigned sum = 0;
    for (int i = 0; i < 5; i++) {
        if (sched_yield() != 0) {
            printf("sched_yield failed\n");
            return 1;
        }
        sum += (unsigned)(i + 1) * 10;
        printf("yield %d sum=%u\n", i, sum);
        fflush(stdout);
    }
    printf("yielded\n");
    return 0;
}
