/* The seeds' libsum: the sum of an array, built by CMake as libsum.so for the tour. */
#if defined(_WIN32)
#define SUM_EXPORT __declspec(dllexport)
#else
#define SUM_EXPORT __attribute__((visibility("default")))
#endif

SUM_EXPORT int our_function(int num_numbers, int *numbers) {
    int sum = 0;
    for (int i = 0; i < num_numbers; ++i)
        sum += numbers[i];
    return sum;
}
