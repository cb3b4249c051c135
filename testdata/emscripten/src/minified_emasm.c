// Minified-glue test program with an EM_ASM snippet, which needs a
// JavaScript engine: wasmer-imports refuses it, quoting the snippet.
#include <emscripten.h>
#include <stdio.h>

int main(void) {
    puts("before the snippet");
    int n = EM_ASM_INT({ return $0 * 7; }, 6);
    printf("snippet says %d\n", n);
    return 0;
}
