// Runs a shell command for the tests that compare with real tools (python3, nm): its standard
// output, and a failed REQUIRE when it cannot start or exits non-zero. POSIX only.
#ifndef CTYPES_TEST_RUN_COMMAND_HPP
#define CTYPES_TEST_RUN_COMMAND_HPP

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

namespace test_command {

inline std::string run(const std::string &command) {
    std::string out;
    FILE *pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;)
        out.append(buf, n);
    REQUIRE(::pclose(pipe) == 0);
    return out;
}

} // namespace test_command

#endif
