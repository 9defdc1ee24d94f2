// ctypes-cpp: Python's ctypes for C++. MIT licensed, see LICENSE.
#ifndef CTYPES_DETAIL_SUGGEST_HPP
#define CTYPES_DETAIL_SUGGEST_HPP

// "Did you mean" for missing symbols: the exported names closest to the one asked for, by
// optimal string alignment distance (insert, delete, replace, or swap two neighbours), and by
// word segments, which is how libraries rename functions across versions: a word inserted or
// dropped (OpenSSL 3's EVP_MD_size -> EVP_MD_get_size) or a verb swapped for its usual partner
// (OpenSSL 1.1's EVP_MD_CTX_create -> EVP_MD_CTX_new).

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
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

// The word segments of a symbol name: split at '_' and at a lower-to-upper case change
// (`EVP_MD_get_size` -> EVP, MD, get, size; `GetModuleHandleW` -> Get, Module, Handle, W).
inline std::vector<std::string_view> name_segments(std::string_view name) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    const auto is_lower = [](char c) { return c >= 'a' && c <= 'z'; };
    const auto is_upper = [](char c) { return c >= 'A' && c <= 'Z'; };
    for (std::size_t i = 0; i <= name.size(); ++i) {
        const bool end = i == name.size() || name[i] == '_';
        const bool case_change = !end && i > start && is_upper(name[i]) && is_lower(name[i - 1]);
        if (end || case_change) {
            if (i > start)
                out.push_back(name.substr(start, i - start));
            start = end ? i + 1 : i;
        }
    }
    return out;
}

inline bool same_segment(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i]))
            return false;
    }
    return true;
}

// Verbs that libraries swap for each other when they rename (OpenSSL 1.1: create -> new,
// destroy -> free, cleanup -> reset).
inline bool partner_segments(std::string_view a, std::string_view b) noexcept {
    static constexpr std::string_view pairs[][2] = {
        {"create", "new"},    {"destroy", "free"},    {"delete", "free"},
        {"cleanup", "reset"}, {"init", "initialize"}, {"remove", "delete"},
    };
    for (const auto &p : pairs)
        if ((same_segment(a, p[0]) && same_segment(b, p[1])) ||
            (same_segment(a, p[1]) && same_segment(b, p[0])))
            return true;
    return false;
}

// Segment edit distance with no free replacement: a segment inserted or dropped costs 1, a verb
// swapped for its partner costs 1, any other change is no rename. Returns limit + 1 unless the
// names are a rename within `limit` edits that keeps the first segment and at least two in all:
// "x_size" is no rename of "y_get_size", nor "EVP_a" of "EVP_b_c".
inline std::size_t segment_distance(const std::vector<std::string_view> &a,
                                    const std::vector<std::string_view> &b, std::size_t limit) {
    const std::size_t n = a.size(), m = b.size();
    const std::size_t none = limit + 1;
    if (n < 2 || m < 2 || !same_segment(a[0], b[0]) || (n > m ? n - m : m - n) > limit)
        return none;
    // cost[i][j], with the shared-segment count carried along to require at least two.
    std::vector<std::pair<std::size_t, std::size_t>> prev(m + 1), cur(m + 1);
    const std::size_t unreachable = n + m + 1;
    for (std::size_t j = 0; j <= m; ++j)
        prev[j] = {j, 0};
    for (std::size_t i = 1; i <= n; ++i) {
        cur[0] = {i, 0};
        for (std::size_t j = 1; j <= m; ++j) {
            std::pair<std::size_t, std::size_t> best{unreachable, 0};
            const auto consider = [&best](std::size_t cost, std::size_t shared) {
                if (cost < best.first || (cost == best.first && shared > best.second))
                    best = {cost, shared};
            };
            if (same_segment(a[i - 1], b[j - 1]))
                consider(prev[j - 1].first, prev[j - 1].second + 1);
            else if (partner_segments(a[i - 1], b[j - 1]))
                consider(prev[j - 1].first + 1, prev[j - 1].second);
            consider(prev[j].first + 1, prev[j].second);
            consider(cur[j - 1].first + 1, cur[j - 1].second);
            cur[j] = best;
        }
        prev.swap(cur);
    }
    const auto [cost, shared] = prev[m];
    if (cost == 0 || cost > limit || shared < 2)
        return none;
    return cost;
}

// Up to `count` of `names` closest to `wanted`, closest first (ties keep the names' order).
// Offered: names within a quarter of the wanted name's length in edits (at least 2), and renames
// by up to two word segments (see segment_distance). Ranked by twice the edit distance, or twice
// the segment distance plus one, so one edit ranks before one segment, which ranks before two
// edits.
inline std::vector<std::string> closest_names(const std::vector<std::string_view> &names,
                                              std::string_view wanted, std::size_t count = 3) {
    const std::size_t limit = wanted.size() / 4 > 2 ? wanted.size() / 4 : 2;
    const std::size_t segment_limit = 2;
    const std::size_t worst = limit * 2 > segment_limit * 2 + 1 ? limit * 2 : segment_limit * 2 + 1;
    const std::vector<std::string_view> wanted_segments = name_segments(wanted);
    std::vector<std::pair<std::size_t, std::string_view>> found;
    for (std::string_view name : names) {
        if (name == wanted)
            continue;
        std::size_t score = worst + 1;
        const std::size_t d = edit_distance(wanted, name, limit);
        if (d <= limit)
            score = d * 2;
        const std::size_t s = segment_distance(wanted_segments, name_segments(name), segment_limit);
        if (s <= segment_limit && s * 2 + 1 < score)
            score = s * 2 + 1;
        if (score > worst)
            continue;
        bool seen = false;
        for (const auto &f : found)
            seen = seen || f.second == name;
        if (!seen)
            found.emplace_back(score, name);
    }
    std::vector<std::string> out;
    for (std::size_t score = 0; score <= worst && out.size() < count; ++score)
        for (const auto &f : found)
            if (f.first == score && out.size() < count)
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
