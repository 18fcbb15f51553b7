/*
 * text_buf: appending to a fixed buffer, for the describe hooks and messages.
 * Text that does not fit is cut, never overrun: `*n` counts what would have
 * been written, and once it reaches `len` every further append does nothing.
 */
#ifndef MMUSIM_PT_TEXT_BUF_H
#define MMUSIM_PT_TEXT_BUF_H

#include <stddef.h>
#include <stdint.h>

/* Appends printf-style text at buf + *n. */
void text_put(char *buf, size_t len, size_t *n, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Appends word i of a list of `count` in words: "a", "a or b", "a, b or c". */
void text_put_listed(char *buf, size_t len, size_t *n, size_t i, size_t count, const char *word);

/* Appends "bit 47" or "bits 51:48 and 46": the set bits of mask, highest first, in runs. */
void text_put_bit_runs(char *buf, size_t len, size_t *n, uint64_t mask);

/* Appends "(A B)", the names of the bits set in `code` among the first `count`, or "(none)". */
void text_put_bit_names(char *buf, size_t len, size_t *n, uint64_t code, const char *const *names,
			unsigned count);

#endif
