// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_SUGGEST_HPP
#define CTYPES_DETAIL_SUGGEST_HPP

// "Did you mean" for missing symbols: the exported names closest to the one asked for, by
// optimal string alignment distance (insert, delete, replace, or swap two neighbours).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ctypes::detail {

// Edit distance between a and b, giving up (returning limit + 1) once it must exceed limit.
inline std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit) {
    const std::size_t n = a.size(), m = b.size();
    if ((n > m ? n - m : m - n) > limit)
        return limit + 1;
    std::vector<std::size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
    for (std::size_t j = 0; j <= m; ++j)
        prev[j] = j;
    for (std::size_t i = 1; i <= n; ++i) {
        cur[0] = i;
        std::size_t row_best = cur[0];
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            std::size_t d = prev[j - 1] + cost;
            if (prev[j] + 1 < d)
                d = prev[j] + 1;
            if (cur[j - 1] + 1 < d)
                d = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < d)
                d = prev2[j - 2] + 1;
            cur[j] = d;
            if (d < row_best)
                row_best = d;
        }
        if (row_best > limit)
            return limit + 1;
        prev2.swap(prev);
        prev.swap(cur);
    }
    return prev[m];
}

// Up to `count` of `names` closest to `wanted`, closest first (ties keep the names' order);
// only names within a quarter of the wanted name's length (at least 2 edits) are offered.
inline std::vector<std::string> closest_names(const std::vector<std::string_view> &names,
                                              std::string_view wanted, std::size_t count = 3) {
    const std::size_t limit = wanted.size() / 4 > 2 ? wanted.size() / 4 : 2;
    std::vector<std::pair<std::size_t, std::string_view>> found;
    for (std::string_view name : names) {
        if (name == wanted)
            continue;
        const std::size_t d = edit_distance(wanted, name, limit);
        if (d > limit)
            continue;
        bool seen = false;
        for (const auto &f : found)
            seen = seen || f.second == name;
        if (!seen)
            found.emplace_back(d, name);
    }
    std::vector<std::string> out;
    for (std::size_t d = 0; d <= limit && out.size() < count; ++d)
        for (const auto &f : found)
            if (f.first == d && out.size() < count)
                out.emplace_back(f.second);
    return out;
}

// " (did you mean 'a', 'b' or 'c'?)", or nothing when there is no close name.
inline std::string did_you_mean(const std::vector<std::string_view> &names,
                                std::string_view wanted) {
    const std::vector<std::string> close = closest_names(names, wanted);
    if (close.empty())
        return {};
    std::string text = " (did you mean ";
    for (std::size_t i = 0; i < close.size(); ++i) {
        if (i > 0)
            text += i + 1 == close.size() ? " or " : ", ";
        text += "'" + close[i] + "'";
    }
    return text + "?)";
}

} // namespace ctypes::detail

#endif
