// C++ exceptions in Emscripten's JS-exception mode (invoke_*, __cxa_*):
// catch by type, by base class, catch(...), rethrow, destructors during
// unwinding, nested try blocks, exceptions from a constructor, and (with
// argument "uncaught") an exception nobody catches.
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

struct Guard {
    const char *name;
    explicit Guard(const char *n) : name(n) { std::printf("enter %s\n", name); }
    ~Guard() { std::printf("leave %s\n", name); }
};

struct Base { virtual ~Base() {} virtual const char *what() const { return "Base"; } };
struct Derived : Base { const char *what() const override { return "Derived"; } };
struct Custom { int code; };

static void thrower(int kind) {
    Guard g("thrower");
    switch (kind) {
    case 0: throw 42;
    case 1: throw std::runtime_error("runtime error");
    case 2: throw Derived();
    case 3: throw Custom{7};
    case 4: throw std::string("a string");
    case 5: throw 2.5;
    case 6: { static Derived d; throw &d; }
    }
    std::printf("no throw\n");
}

static void catcher(int kind) {
    try {
        Guard g("catcher");
        thrower(kind);
    } catch (int i) {
        std::printf("caught int %d\n", i);
    } catch (const std::exception &e) {
        std::printf("caught std::exception: %s\n", e.what());
    } catch (const Base &b) {
        std::printf("caught Base&: %s\n", b.what());
    } catch (Custom c) {
        std::printf("caught Custom %d\n", c.code);
    } catch (Base *b) {
        std::printf("caught Base*: %s\n", b->what());
    } catch (...) {
        std::printf("caught something else\n");
    }
}

static void rethrower() {
    try {
        thrower(1);
    } catch (...) {
        std::printf("rethrowing\n");
        throw;
    }
}

struct Ctor {
    Guard member{"member"};
    Ctor() { throw std::logic_error("from constructor"); }
};

int main(int argc, char **argv) {
    for (int k = 0; k <= 7; k++) catcher(k);
    try {
        rethrower();
    } catch (const std::runtime_error &e) {
        std::printf("caught rethrown: %s\n", e.what());
    }
    try {
        try {
            throw Custom{1};
        } catch (Custom &c) {
            std::printf("inner caught %d\n", c.code);
            try {
                throw Custom{2};
            } catch (Custom &d) {
                std::printf("innermost caught %d\n", d.code);
            }
            c.code = 3;
            throw;
        }
    } catch (const Custom &c) {
        std::printf("outer caught %d, uncaught now %d\n", c.code, std::uncaught_exceptions());
    }
    try {
        Ctor c;
    } catch (const std::exception &e) {
        std::printf("caught %s\n", e.what());
    }
    if (argc > 1 && std::strcmp(argv[1], "uncaught") == 0) {
        Guard g("main");
        std::printf("throwing with no handler\n");
        std::fflush(stdout);
        throw std::runtime_error("nobody catches this");
    }
    std::printf("done\n");
    return 0;
}
