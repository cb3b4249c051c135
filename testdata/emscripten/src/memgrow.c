// Grows memory well past its initial size with malloc, writes every page,
// and checks the contents; prints the memory size in 64 KiB pages.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    size_t before = __builtin_wasm_memory_size(0);
    enum { BLOCKS = 12, SIZE = 4 << 20 };
    unsigned char *blocks[BLOCKS];
    for (int i = 0; i < BLOCKS; i++) {
        blocks[i] = malloc(SIZE);
        if (!blocks[i]) { printf("malloc %d failed\n", i); return 1; }
        memset(blocks[i], i + 1, SIZE);
    }
    unsigned long sum = 0;
    for (int i = 0; i < BLOCKS; i++)
        for (size_t j = 0; j < SIZE; j += 4096) sum += blocks[i][j];
    size_t after = __builtin_wasm_memory_size(0);
    printf("grew: %s\n", after > before ? "yes" : "no");
    printf("at least 48 MiB: %s\n", after * 65536 >= (size_t)BLOCKS * SIZE ? "yes" : "no");
    printf("sum=%lu\n", sum);
    // volatile: the compiler may not drop a malloc whose result is used.
    void *volatile huge = malloc((size_t)1 << 30);
    printf("1 GiB malloc (maximum is 256 MiB): %s\n", huge ? "succeeded" : "failed");
    return 0;
}
