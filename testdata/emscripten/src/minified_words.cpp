// Minified-glue test program in C++: std::string, std::vector, std::map,
// std::sort, iostream; the exit code is the number of distinct words.
#include <algorithm>
#include <iostream>
#include <map>
#include <string>
#include <vector>

int main(int argc, char **argv) {
    std::vector<std::string> words;
    for (int i = 1; i < argc; i++) words.push_back(argv[i]);
    if (words.empty()) words = {"pear", "apple", "fig", "apple", "kiwi", "fig"};
    std::map<std::string, int> count;
    for (const auto &w : words) count[w]++;
    std::sort(words.begin(), words.end());
    std::cout << "sorted:";
    for (const auto &w : words) std::cout << ' ' << w;
    std::cout << '\n';
    for (const auto &[w, n] : count) std::cout << w << " x" << n << '\n';
    return static_cast<int>(count.size());
}
