/*
 * number: the numbers people type into traces, configs and the command line:
 * decimal or 0x-hex, and for sizes an optional binary suffix K, M, G, T (also
 * KiB, MiB, GiB, TiB).  Overflow is detected, never wrapped.
 */
#ifndef MMUSIM_SIM_NUMBER_H
#define MMUSIM_SIM_NUMBER_H

#include <stdbool.h>
#include <stdint.h>

enum number_status { NUMBER_OK, NUMBER_INVALID, NUMBER_OVERFLOW };

/* Parses the whole string `s`; a suffix is accepted only when allow_suffix. */
enum number_status number_parse(const char *s, bool allow_suffix, uint64_t *out);

/*
 * Why a config value that looks numeric is not one of ours, for the message
 * ("-5 is negative", "5.0 is not a whole number"), or NULL.
 */
const char *number_why_not(const char *s);

#endif
