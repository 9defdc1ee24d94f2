# Finding and lookup benchmarks (bench/README.md, "Finding and lookup"). Included from
# bench/CMakeLists.txt; needs Google Benchmark (apt: libbenchmark-dev).
find_package(benchmark REQUIRED)
add_executable(ctypes_lookup_bench ${CMAKE_CURRENT_LIST_DIR}/lookup_bench.cpp)
target_link_libraries(ctypes_lookup_bench PRIVATE ctypes::ctypes ctypes_warnings benchmark::benchmark)
if(NOT CMAKE_BUILD_TYPE STREQUAL "Release")
  message(STATUS "ctypes_lookup_bench: configure with -DCMAKE_BUILD_TYPE=Release for real numbers")
endif()
