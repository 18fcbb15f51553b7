/* size_text: byte counts in words, as the reports and help texts write them. */
#ifndef MMUSIM_TOOLS_SIZE_TEXT_H
#define MMUSIM_TOOLS_SIZE_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* "4K", "2M", "1G", "64K", or the byte count when it is not a round unit. */
void format_size(uint64_t bytes, char *buf, size_t len);
/* A page size in words: "64-byte" below a round K, else as format_size ("4K", "2M"). */
void format_page_size(uint64_t bytes, char *buf, size_t len);

#endif
