/* random: 32 random bytes twice via getentropy (-> random_get);
 * `random ok` if neither buffer is all zero and they differ. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int nonzero(const unsigned char *b, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (b[i]) return 1;
    return 0;
}

int main(void) {
    unsigned char a[32], b[32];
    int ea = getentropy(a, sizeof a);
    int eb = getentropy(b, sizeof b);
    int ok = ea == 0 && eb == 0 && nonzero(a, sizeof a) && nonzero(b, sizeof b) &&
             memcmp(a, b, sizeof a) != 0;
    printf("random %s\n", ok ? "ok" : "FAIL");
    return ok ? 0 : 1;
}
