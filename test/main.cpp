// The Catch2 main, compiled once into its own library so test edits never rebuild it.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
