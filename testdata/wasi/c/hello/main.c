/* hello: one line to stdout, exit code 3 (returned from main). */
#include <stdio.h>

int main(void) {
    puts("hello from c");
    return 3;
}
