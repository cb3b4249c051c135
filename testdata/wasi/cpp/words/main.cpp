// words DIR [WORD...]: reads DIR/input.txt with std::ifstream, counts words in a
// std::map, sorts them (std::vector + std::sort: count descending, then word),
// writes the report to DIR/report.txt with std::ofstream, reads it back, appends
// to it, and prints everything with std::cout. Extra arguments are looked up in
// the map. A missing input file prints an error and exits 1; otherwise exit 3.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

static std::string slurp(const std::string &path, bool &ok) {
    std::ifstream in(path, std::ios::binary);
    ok = static_cast<bool>(in);
    std::ostringstream ss;
    if (ok) ss << in.rdbuf();
    return ss.str();
}

static std::string quoted(const std::string &s) {
    static const char hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            out += static_cast<char>(c);
        } else {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out + "\"";
}

int main(int argc, char **argv) {
    if (argc < 2) {
        std::cout << "usage: words DIR [WORD...]" << std::endl;
        return 2;
    }
    const std::string dir = argv[1];
    bool ok = false;
    const std::string text = slurp(dir + "/input.txt", ok);
    if (!ok) {
        std::cout << "cannot open " << dir << "/input.txt" << std::endl;
        return 1;
    }
    std::cout << "read " << text.size() << " bytes" << std::endl;

    std::map<std::string, int> counts;
    std::vector<std::string> order;  // first-seen order
    std::string word;
    auto flush_word = [&] {
        if (word.empty()) return;
        if (counts[word]++ == 0) order.push_back(word);
        word.clear();
    };
    for (char c : text) {
        if (std::isalpha(static_cast<unsigned char>(c)))
            word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        else
            flush_word();
    }
    flush_word();
    std::cout << "distinct words: " << counts.size() << ", first seen: " << order.front()
              << ", last seen: " << order.back() << std::endl;

    std::vector<std::pair<std::string, int>> ranked(counts.begin(), counts.end());
    std::sort(ranked.begin(), ranked.end(), [](const auto &a, const auto &b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });

    {
        std::ofstream out(dir + "/report.txt", std::ios::binary | std::ios::trunc);
        for (size_t i = 0; i < ranked.size() && i < 5; i++)
            out << (i + 1) << ". " << ranked[i].first << " " << ranked[i].second << "\n";
    }
    {
        std::ofstream out(dir + "/report.txt", std::ios::binary | std::ios::app);
        out << "total " << ranked.size() << "\n";
    }
    std::string report = slurp(dir + "/report.txt", ok);
    std::cout << "report.txt (" << (ok ? "ok" : "missing") << "):\n" << report;

    std::istringstream lines(report);
    std::string line;
    int n = 0;
    while (std::getline(lines, line)) n++;
    std::cout << "report lines: " << n << std::endl;

    for (int i = 2; i < argc; i++) {
        auto it = counts.find(argv[i]);
        std::cout << "count " << quoted(argv[i]) << ": "
                  << (it == counts.end() ? 0 : it->second) << std::endl;
    }

    std::vector<std::string> keys;
    for (const auto &kv : counts) keys.push_back(kv.first);
    std::reverse(keys.begin(), keys.end());
    std::cout << "reverse alphabetical:";
    for (const auto &k : keys) std::cout << ' ' << k;
    std::cout << std::endl;

    std::string joined;
    for (const auto &k : keys) joined += k;
    std::cout << "joined length " << joined.size() << ", quoted sample " << quoted(text.substr(0, 12))
              << std::endl;
    return 3;
}
