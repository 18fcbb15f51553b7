/*
 * save_compress: the --save-trace copy of `mmusim run`, compressed when its
 * name says so (.zst, .xz, .gz: the codecs the trace readers take), else
 * written as it comes.
 */
#ifndef MMUSIM_CLI_SAVE_COMPRESS_H
#define MMUSIM_CLI_SAVE_COMPRESS_H

#include <stdbool.h>
#include <stddef.h>

struct save_sink;

/* A sink writing to fd, compressing by name's suffix; NULL when out of memory. */
struct save_sink *save_sink_open(const char *name, int fd);
/* False on a write (or codec) error, with errno set. */
bool save_sink_write(struct save_sink *s, const void *buf, size_t n);
/* Ends the compressed stream; false on an error. Frees s (NULL is ignored). */
bool save_sink_finish(struct save_sink *s);
/* Frees s without ending the stream (the copy is being thrown away). */
void save_sink_free(struct save_sink *s);
/* All of buf to fd, through EINTR and short writes; false on an error, with errno set (also run's tee). */
bool save_write_all(int fd, const void *buf, size_t n);

#endif
