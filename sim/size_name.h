/*
 * size_name: a size as messages write it: "4K", "2M", "1G", or in bytes
 * when it is not a whole number of KiB.
 */
#ifndef MMUSIM_SIM_SIZE_NAME_H
#define MMUSIM_SIM_SIZE_NAME_H

#include <stddef.h>
#include <stdint.h>

/* Writes size's name into buf (len bytes) and returns buf, so that it can stand in a printf argument list. */
const char *size_name(uint64_t size, char *buf, size_t len);

#endif
