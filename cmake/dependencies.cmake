# The libraries every build of pt/, sim/ and formats/ links, by their Debian names:
# the main tree and the standalone fuzz project (tests/fuzz) both include this.
find_package(PkgConfig REQUIRED)
pkg_check_modules(yaml REQUIRED IMPORTED_TARGET yaml-0.1)
# Compressed traces are read through the libraries, never a child process.
pkg_check_modules(zlib REQUIRED IMPORTED_TARGET zlib)
pkg_check_modules(lzma REQUIRED IMPORTED_TARGET liblzma)
pkg_check_modules(zstd REQUIRED IMPORTED_TARGET libzstd)
find_package(Threads REQUIRED)
