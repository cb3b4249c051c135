// Prints one line and returns 3 from main.
#include <stdio.h>

int main(void) {
    puts("hello from emscripten");
    return 3;
}
