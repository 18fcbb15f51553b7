/*
 * image_ostep_linear: the linear page table that OSTEP's homework
 * paging-linear-translate.py prints (Operating Systems: Three Easy Pieces,
 * chapter 18, "Paging: Introduction"), and the machine it describes.
 *
 * The text names its own geometry in its ARG lines ("ARG address space size
 * 16k", "ARG phys mem size 64k", "ARG page size 4k"; sizes as the script
 * reads them: a number with an optional k, m or g), then, after the line
 * "Page Table (from entry 0 down to the max size)", one 32-bit entry per
 * virtual page, "0x%08x" (VALID bit 31, the PFN below), with "-v" prefixed
 * by "[  N]".  The table ends at the first blank line.  Every other line
 * (the questions, the answers) is skipped.
 *
 * mmusim reads it as a one-level toy MMU: va_bits = log2(address space),
 * 4-byte entries, the top level indexing address space / page size entries
 * (toy.top_entries), the table placed in simulated memory right after the
 * physical memory, at a multiple of its own size (ostep_linear.table_pa).
 */
#ifndef MMUSIM_FORMATS_IMAGE_OSTEP_LINEAR_H
#define MMUSIM_FORMATS_IMAGE_OSTEP_LINEAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pt/mm_error.h"

struct ostep_linear {
	uint64_t asize, psize, page_size;  /* bytes, from the ARG lines */
	uint64_t nr_entries;               /* asize / page_size */
	uint8_t *table;                    /* nr_entries 4-byte little-endian entries (malloc'd) */
	uint64_t table_pa;                 /* where the table sits: the root */
	uint64_t mem_size;                 /* physical memory and the table: the config's memory.size */
};

/* True when the text has the linear homework's "Page Table (from entry 0" line. */
bool image_ostep_linear_detect(const uint8_t *text, size_t len);

/*
 * Parses text into *out (free with image_ostep_linear_free, after a failure too).  MM_OK, or
 * MM_EINVAL with err->msg "PATH:LINE: message" or "PATH: message" (a missing
 * or bad ARG line, a malformed entry, an entry count other than address space
 * / page size, a PFN beyond physical memory).
 */
int image_ostep_linear_parse(const char *path, const uint8_t *text, size_t len, struct ostep_linear *out,
			     struct mm_error *err);

void image_ostep_linear_free(struct ostep_linear *d);

/*
 * The machine config (YAML) of the MMU the dump describes, into buf (size
 * cap); returns its length, or >= cap when it did not fit.
 */
size_t image_ostep_linear_config(const struct ostep_linear *d, char *buf, size_t cap);

#endif
