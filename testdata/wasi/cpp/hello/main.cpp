// hello: one line to stdout via std::cout, exit code 3 (returned from main).
#include <iostream>

int main() {
    std::cout << "hello from c++" << std::endl;
    return 3;
}
