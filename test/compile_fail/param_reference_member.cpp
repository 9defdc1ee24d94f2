// A struct with a reference member: no standard layout, so C cannot know where its members are.
// expect: ctypes: parameter 1 is a class without standard layout.*no reference members
#include <ctypes/ctypes.hpp>
struct holder {
    int &value;
};
int main() {
    ctypes::CDLL lib;
    lib.get<int(holder)>("f");
}
