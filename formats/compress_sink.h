/*
 * compress_sink: a written trace (convert, the trace writer, run's
 * --save-trace) compressed when its name says so (.zst, .xz, .gz: the codecs
 * the trace readers take), else written as it comes.
 */
#ifndef MMUSIM_FORMATS_COMPRESS_SINK_H
#define MMUSIM_FORMATS_COMPRESS_SINK_H

#include <stdbool.h>
#include <stddef.h>

struct compress_sink;

/* A sink writing to fd, compressing by name's suffix; NULL when out of memory. */
struct compress_sink *compress_sink_open(const char *name, int fd);
/* False on a write (or codec) error, with errno set. */
bool compress_sink_write(struct compress_sink *s, const void *buf, size_t n);
/* Ends the compressed stream; false on an error. Frees s (NULL is ignored). */
bool compress_sink_finish(struct compress_sink *s);
/* Frees s without ending the stream (the copy is being thrown away). */
void compress_sink_free(struct compress_sink *s);
/* All of buf to fd, through EINTR and short writes; false on an error, with errno set (also run's tee). */
bool write_all_fd(int fd, const void *buf, size_t n);

#endif
