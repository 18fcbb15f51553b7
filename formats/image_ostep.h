/*
 * image_ostep: physical memory read from the text that OSTEP's homework
 * paging-multilevel-translate.py prints (Operating Systems: Three Easy
 * Pieces, "Paging: Smaller Tables"): its `page N:` lines, 32 bytes each as
 * 64 hex digits, and its `PDBR: N` line.
 *
 * Accepted: the script's whole output (with or without -c) or any part of it.
 * A line is a page line when it starts (after blanks) with "page"; it must be
 * "page N:" with N from 0 to 127, then exactly 64 hex digits, which may be
 * split by blanks ("page 0: 08 00 01 ..." as the book prints it, or
 * "page   0:0800..." as the script does).  A line starting with "PDBR:" gives
 * the page directory's page number.  Every other line (ARG lines, questions,
 * answers, blank lines) is skipped.
 */
#ifndef MMUSIM_FORMATS_IMAGE_OSTEP_H
#define MMUSIM_FORMATS_IMAGE_OSTEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pt/mm_error.h"

#define OSTEP_PAGE_SIZE 32u
#define OSTEP_NR_PAGES 128u

struct ostep_dump {
	uint8_t mem[OSTEP_NR_PAGES * OSTEP_PAGE_SIZE];
	bool given[OSTEP_NR_PAGES];  /* which pages the text listed */
	bool has_pdbr;
	uint64_t pdbr;               /* a page number: the page directory is at pdbr x 32 */
};

/*
 * True when the text's first non-blank line is one the script prints first:
 * "ARG ..." or a page line.  Only the first OSTEP_DETECT_PREFIX bytes are
 * looked at, so a large raw image is not read whole to find a line's end.
 */
#define OSTEP_DETECT_PREFIX 65536u
bool image_ostep_detect(const uint8_t *text, size_t len);

/*
 * Parses text into *out.  MM_OK, or MM_EINVAL with err->msg
 * "PATH:LINE: message" (a malformed page line, a page given twice, a bad
 * PDBR, or no page line at all).
 */
int image_ostep_parse(const char *path, const uint8_t *text, size_t len, struct ostep_dump *out,
		      struct mm_error *err);

#endif
