/* The seeds' libsum: the sum of an array, built by CMake as libsum.so for the tour. */
#if defined(_WIN32)
__declspec(dllexport)
#else
__attribute__((visibility("default")))
#endif
int our_function(int num_numbers, int *numbers) {
    int sum = 0;
    for (int i = 0; i < num_numbers; ++i)
        sum += numbers[i];
    return sum;
}
