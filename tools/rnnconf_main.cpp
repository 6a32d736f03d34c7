// rnnconf command-line entry point (placeholder until subcommands land).
#include <cstdio>
int main() { std::puts("rnnconf"); return 0; }
