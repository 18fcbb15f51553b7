/*
 * mm_error: errors returned as values.
 *
 * Every fallible function in mmusim returns an int status (0 = success, one of the
 * MM_E* codes otherwise) and, when the caller passed a non-NULL struct mm_error,
 * fills it with a one-line human message.  Library code never prints and never
 * exits; the command line decides how to show the message.
 */
#ifndef MMUSIM_PT_MM_ERROR_H
#define MMUSIM_PT_MM_ERROR_H

enum mm_status {
	MM_OK = 0,
	MM_EINVAL,        /* bad argument or malformed input */
	MM_ERANGE,        /* VA outside the table's index range, or non-canonical */
	MM_EUNALIGNED,    /* VA, PA or length not aligned to the base page */
	MM_EOVERFLOW,     /* va + len wraps or leaves the address space */
	MM_ENOMEM,        /* simulated physical memory (or host memory) exhausted */
	MM_EBUS,          /* physical address outside simulated memory */
	MM_EIO,           /* reading a file failed */
};

/* Room for a message that names a file by a long path (PATH_MAX is 4096, but paths of a few
 * hundred bytes are what real checkouts have): the message is cut, never overrun. */
#define MM_ERROR_MSG_SIZE 1024

struct mm_error {
	int code;
	char msg[MM_ERROR_MSG_SIZE];
};

/* Fills *err (if not NULL) with code and a printf-style message; returns code. */
int mm_error_set(struct mm_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefixes the message already in *err with "prefix: " (used to add file:line). */
void mm_error_prefix(struct mm_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
