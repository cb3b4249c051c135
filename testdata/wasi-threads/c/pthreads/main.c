/* C's POSIX threads on wasi-threads (wasi-libc's pthread over
 * `wasi.thread-spawn` and `memory.atomic.wait32`/`notify`), one case per
 * argv[1]. Built for wasm32-wasip1-threads and natively from this same
 * source; the native build's output is the expected one. Every case prints
 * the same bytes however the threads are scheduled. */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define THREADS 8

/* Eight threads sum slices of 1..=800000, each returning its part
 * through pthread_join's value. */
static void *sum_part(void *arg) {
    uint64_t i = (uintptr_t)arg, part = 0;
    for (uint64_t n = i * 100000 + 1; n <= (i + 1) * 100000; n++)
        part += n;
    uint64_t *out = malloc(sizeof *out);
    *out = part;
    return out;
}

static int sum(void) {
    pthread_t t[THREADS];
    for (uintptr_t i = 0; i < THREADS; i++)
        if (pthread_create(&t[i], NULL, sum_part, (void *)i) != 0)
            return 1;
    uint64_t total = 0;
    for (int i = 0; i < THREADS; i++) {
        void *part;
        pthread_join(t[i], &part);
        printf("part %d %llu\n", i, (unsigned long long)*(uint64_t *)part);
        total += *(uint64_t *)part;
        free(part);
    }
    printf("total %llu\n", (unsigned long long)total);
    return 0;
}

/* Eight threads increment one counter under a mutex 10000 times each,
 * and another with __atomic_fetch_add. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t locked_count;
static uint64_t atomic_count;

static void *count(void *arg) {
    (void)arg;
    for (int n = 0; n < 10000; n++) {
        pthread_mutex_lock(&lock);
        locked_count++;
        pthread_mutex_unlock(&lock);
        __atomic_fetch_add(&atomic_count, 1, __ATOMIC_SEQ_CST);
    }
    return NULL;
}

static int mutex(void) {
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, count, NULL);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    printf("locked %llu atomic %llu\n", (unsigned long long)locked_count, (unsigned long long)atomic_count);
    return 0;
}

/* A bounded queue of 4 slots between two producers and one consumer,
 * with two condition variables: the consumer adds up 1..=2000. */
#define SLOTS 4
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER, not_empty = PTHREAD_COND_INITIALIZER;
static int queue[SLOTS], queued, head;

static void *produce(void *arg) {
    int first = (int)(intptr_t)arg;
    for (int v = first; v < first + 1000; v++) {
        pthread_mutex_lock(&lock);
        while (queued == SLOTS)
            pthread_cond_wait(&not_full, &lock);
        queue[(head + queued++) % SLOTS] = v;
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

static int condvar(void) {
    pthread_t p[2];
    pthread_create(&p[0], NULL, produce, (void *)(intptr_t)1);
    pthread_create(&p[1], NULL, produce, (void *)(intptr_t)1001);
    long total = 0;
    for (int n = 0; n < 2000; n++) {
        pthread_mutex_lock(&lock);
        while (queued == 0)
            pthread_cond_wait(&not_empty, &lock);
        total += queue[head];
        head = (head + 1) % SLOTS;
        queued--;
        pthread_cond_signal(&not_full);
        pthread_mutex_unlock(&lock);
    }
    pthread_join(p[0], NULL);
    pthread_join(p[1], NULL);
    printf("consumed 2000 total %ld\n", total);
    return 0;
}

/* _Thread_local: each thread sees its own copy, starting from the
 * initialiser; pthread_once runs its routine once for all. */
static _Thread_local int mine = 100;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;

static void init_once(void) { once_runs++; }

static void *tls_thread(void *arg) {
    pthread_once(&once, init_once);
    mine += (int)(intptr_t)arg;
    return (void *)(intptr_t)mine;
}

static int tls(void) {
    pthread_t t[THREADS];
    for (intptr_t i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, tls_thread, (void *)i);
    for (int i = 0; i < THREADS; i++) {
        void *v;
        pthread_join(t[i], &v);
        printf("thread %d saw %d\n", i, (int)(intptr_t)v);
    }
    printf("main sees %d, once ran %d time(s)\n", mine, once_runs);
    return 0;
}

/* A barrier of eight: every thread records its arrival before the
 * barrier and checks after it that all eight had arrived. */
static pthread_barrier_t barrier;
static int arrived;

static void *at_barrier(void *arg) {
    (void)arg;
    __atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
    int serial = pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD;
    int all = __atomic_load_n(&arrived, __ATOMIC_SEQ_CST) == THREADS;
    return (void *)(intptr_t)(all | serial << 1);
}

static int barrier_case(void) {
    pthread_t t[THREADS];
    pthread_barrier_init(&barrier, NULL, THREADS);
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, at_barrier, NULL);
    int all = 0, serial = 0;
    for (int i = 0; i < THREADS; i++) {
        void *v;
        pthread_join(t[i], &v);
        all += (int)(intptr_t)v & 1;
        serial += (int)(intptr_t)v >> 1;
    }
    printf("%d saw all arrived, %d serial thread(s)\n", all, serial);
    return 0;
}

/* A thread that sleeps 20 ms and one that yields and returns a value
 * (wasi-libc has no pthread_exit): joins see both, and the sleep took at
 * least its time. */
static void *sleeper(void *arg) {
    (void)arg;
    struct timespec start, end, d = {0, 20 * 1000 * 1000};
    clock_gettime(CLOCK_MONOTONIC, &start);
    nanosleep(&d, NULL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    long ms = (end.tv_sec - start.tv_sec) * 1000 + (end.tv_nsec - start.tv_nsec) / 1000000;
    return (void *)(intptr_t)(ms >= 20);
}

static void *yielder(void *arg) {
    (void)arg;
    sched_yield();
    return (void *)(intptr_t)42;
}

static int sleep_exit(void) {
    pthread_t a, b;
    pthread_create(&a, NULL, sleeper, NULL);
    pthread_create(&b, NULL, yielder, NULL);
    void *va, *vb;
    pthread_join(a, &va);
    pthread_join(b, &vb);
    printf("slept enough %d, returned %d\n", (int)(intptr_t)va, (int)(intptr_t)vb);
    return 0;
}

/* exit(7) from a thread while the main thread waits on a condition that
 * never comes: the process ends with 7, its stdout flushed. */
static void *exit_thread(void *arg) {
    (void)arg;
    printf("thread exits the process\n");
    exit(7);
}

static int exit_case(void) {
    pthread_t t;
    printf("main waits\n");
    pthread_create(&t, NULL, exit_thread, NULL);
    pthread_mutex_lock(&lock);
    for (;;)
        pthread_cond_wait(&not_empty, &lock);
    return 0; /* not reached */
}

int main(int argc, char **argv) {
    const char *c = argc > 1 ? argv[1] : "";
    if (!strcmp(c, "sum"))
        return sum();
    if (!strcmp(c, "mutex"))
        return mutex();
    if (!strcmp(c, "condvar"))
        return condvar();
    if (!strcmp(c, "tls"))
        return tls();
    if (!strcmp(c, "barrier"))
        return barrier_case();
    if (!strcmp(c, "sleep-exit"))
        return sleep_exit();
    if (!strcmp(c, "exit"))
        return exit_case();
    fprintf(stderr, "unknown case \"%s\"\n", c);
    return 2;
}
