/* trace: the public face of sim/trace — streaming trace readers and their events. */
#include "api.h"

#include <stdlib.h>

#include "formats/trace.h"
#include "formats/trace_inflate.h"

API_SAME(MMUSIM_TRACE_AUTO, TRACE_FORMAT_AUTO);
API_SAME(MMUSIM_TRACE_TEXT, TRACE_FORMAT_TEXT);
API_SAME(MMUSIM_TRACE_LACKEY, TRACE_FORMAT_LACKEY);
API_SAME(MMUSIM_TRACE_BINARY, TRACE_FORMAT_BINARY);
API_SAME(MMUSIM_TRACE_CHAMPSIM, TRACE_FORMAT_CHAMPSIM);
API_SAME(MMUSIM_TRACE_DIN, TRACE_FORMAT_DIN);
API_SAME(MMUSIM_TRACE_PINATRACE, TRACE_FORMAT_PINATRACE);
API_SAME(MMUSIM_TRACE_DRMEMTRACE, TRACE_FORMAT_DRMEMTRACE);
API_SAME(MMUSIM_TRACE_DRMEMTRACE, TRACE_FORMAT_LAST);
API_SAME(MMUSIM_EV_ACCESS, TRACE_ACCESS);
API_SAME(MMUSIM_EV_MAP, TRACE_MAP);
API_SAME(MMUSIM_EV_UNMAP, TRACE_UNMAP);
API_SAME(MMUSIM_EV_PROTECT, TRACE_PROTECT);
API_SAME(MMUSIM_EV_ASID, TRACE_ASID);
API_SAME(MMUSIM_EV_PRIV, TRACE_PRIV);
API_SAME(MMUSIM_EV_CPU, TRACE_CPU);
API_SAME(MMUSIM_EV_FLUSH, TRACE_FLUSH);
API_SAME(MMUSIM_EV_STATS_RESET, TRACE_STATS_RESET);
API_SAME(MMUSIM_EV_GMAP, TRACE_GMAP);
API_SAME(MMUSIM_EV_GUNMAP, TRACE_GUNMAP);
API_SAME(MMUSIM_EV_GPROTECT, TRACE_GPROTECT);
API_SAME(MMUSIM_EV_GFLUSH, TRACE_GFLUSH);
API_SAME(MMUSIM_EV_VM, TRACE_VM);
API_SAME(MMUSIM_EV_MMAP, TRACE_MMAP);
API_SAME(MMUSIM_EV_MUNMAP, TRACE_MUNMAP);
API_SAME(MMUSIM_EV_FORK, TRACE_FORK);
API_SAME(MMUSIM_EV_EXIT, TRACE_EXIT);
API_SAME(MMUSIM_EV_THREAD, TRACE_THREAD);
API_SAME(MMUSIM_EV_POKE, TRACE_POKE);
API_SAME(MMUSIM_EV_SET_PTE, TRACE_SET_PTE);
API_SAME(MMUSIM_EV_PTE_FIELD, TRACE_PTE_FIELD);
API_SAME(MMUSIM_GFLUSH_VM, GFLUSH_VM);
API_SAME(MMUSIM_GFLUSH_GPA, GFLUSH_GPA);
API_SAME(MMUSIM_GFLUSH_ALL_VMS, GFLUSH_ALL_VMS);
API_SAME(MMUSIM_FLUSH_ALL, FLUSH_ALL);
API_SAME(MMUSIM_FLUSH_VA, FLUSH_VA);
API_SAME(MMUSIM_FLUSH_ASID, FLUSH_ASID);
API_SAME(MMUSIM_FLUSH_VA_ASID, FLUSH_VA_ASID);
API_SAME(MMUSIM_FLUSH_VA_ASID_GLOBAL, FLUSH_VA_ASID_GLOBAL);
API_SAME(MMUSIM_FLUSH_LAST_LEVEL, FLUSH_LAST_LEVEL);
API_SAME(MMUSIM_FLUSH_ALL_CPUS, FLUSH_ALL_CPUS);

/* Events are decoded this many at a time before being converted. */
#define TRACE_BATCH 256

struct mmusim_trace {
	struct trace_reader *rd;
	char *path;                          /* for error messages of a replay */
	struct trace_event batch[TRACE_BATCH];
};

void api_event_to_public(const struct trace_event *in, mmusim_event *out)
{
	*out = (mmusim_event){
		.op = (enum mmusim_event_op)in->op,
		.access = (enum mmusim_access)in->access,
		.size = in->size,
		.scope = (enum mmusim_flush_scope)in->scope,
		.n = in->n,
		.va = in->va,
		.pa = in->pa,
		.len = in->len,
		.flags = in->prop.flags,
		.cache = (enum mmusim_cache)in->prop.cache,
		.line = in->line,
	};
}

void api_event_from_public(const mmusim_event *in, struct trace_event *out)
{
	*out = (struct trace_event){
		.line = in->line,
		.op = (uint8_t)in->op,
		.access = (uint8_t)in->access,
		.scope = (uint8_t)in->scope,
		.size = in->size > UINT16_MAX ? UINT16_MAX : (uint16_t)in->size,
		.n = in->n,
		.va = in->va,
		.pa = in->pa,
		.len = in->len,
		.prop = { in->flags, (enum cache_policy)in->cache },
	};
}

const char *mmusim_trace_format_name(enum mmusim_trace_format fmt)
{
	if ((unsigned)fmt > TRACE_FORMAT_LAST)
		return "unknown";
	return trace_format_name((enum trace_format)fmt);
}

int mmusim_trace_format_parse(const char *name, enum mmusim_trace_format *out)
{
	enum trace_format f;

	if (!name || !out || trace_format_parse(name, &f) != MM_OK)
		return MMUSIM_EINVAL;
	*out = (enum mmusim_trace_format)f;
	return MMUSIM_OK;
}

_Static_assert(MMUSIM_DECODER_MEMORY_DEFAULT == TRACE_DECODER_MEMORY_DEFAULT, "decoder limits agree");

/* Opens path, or fd when fd >= 0 (path then only names it). */
static int trace_open(int fd, const char *path, enum mmusim_trace_format fmt, uint64_t decoder_memory,
		      mmusim_trace **out, mmusim_error *err)
{
	struct mm_error e = { 0 };
	struct mmusim_trace *t = calloc(1, sizeof(*t));
	int rc;

	*out = NULL;
	if (!t)
		return api_error(err, &(struct mm_error){ MM_ENOMEM, "out of host memory" });
	t->path = strdup(path);
	if (!t->path) {
		free(t);
		return api_error(err, &(struct mm_error){ MM_ENOMEM, "out of host memory" });
	}
	rc = fd >= 0 ? trace_reader_open_fd(fd, path, (enum trace_format)fmt, &t->rd, &e)
		     : trace_reader_open_limited(path, (enum trace_format)fmt, decoder_memory, &t->rd, &e);
	if (rc) {
		free(t->path);
		free(t);
		return api_error(err, &e);
	}
	*out = t;
	return MMUSIM_OK;
}

int mmusim_trace_open(const char *path, enum mmusim_trace_format fmt, mmusim_trace **out,
		      mmusim_error *err)
{
	API_REFUSE_NULL(err, out);
	*out = NULL;
	API_REFUSE_NULL(err, path);
	return trace_open(-1, path, fmt, 0, out, err);
}

int mmusim_trace_open_opts(const char *path, const mmusim_trace_options *opt, mmusim_trace **out,
			   mmusim_error *err)
{
	API_REFUSE_NULL(err, out);
	*out = NULL;
	API_REFUSE_NULL(err, path);
	return trace_open(-1, path, opt ? opt->format : MMUSIM_TRACE_AUTO, opt ? opt->decoder_memory : 0, out, err);
}

int mmusim_trace_open_fd(int fd, const char *name, enum mmusim_trace_format fmt, mmusim_trace **out,
			 mmusim_error *err)
{
	API_REFUSE_NULL(err, out);
	*out = NULL;
	API_REFUSE_NULL(err, name);
	if (fd < 0) {
		*out = NULL;
		return api_error(err, &(struct mm_error){ MM_EINVAL, "bad file descriptor" });
	}
	return trace_open(fd, name, fmt, 0, out, err);
}

enum mmusim_trace_format mmusim_trace_format(const mmusim_trace *t)
{
	return (enum mmusim_trace_format)trace_reader_format(t->rd);
}

long mmusim_trace_next(mmusim_trace *t, mmusim_event *ev, size_t max, mmusim_error *err)
{
	struct mm_error e = { 0 };
	long n;

	if (!t) {
		api_error(err, &(struct mm_error){ MM_EINVAL, "mmusim_trace_next: t is NULL" });
		return -1;
	}
	if (!max || !ev) { /* 0 would read as the trace's end */
		api_error(err, &(struct mm_error){ MM_EINVAL, "mmusim_trace_next: room for no event (max 0 or ev NULL)" });
		return -1;
	}
	n = trace_reader_next(t->rd, t->batch, max < TRACE_BATCH ? max : TRACE_BATCH, &e);
	if (n == EVENT_SOURCE_FAILED) {
		api_error(err, &e);
		return -1;
	}
	for (long i = 0; i < n; i++)
		api_event_to_public(&t->batch[i], &ev[i]);
	return n;
}

/* For mmusim_mmu_replay: the internal reader, whose events need no conversion. */
struct trace_reader *api_trace_reader(mmusim_trace *t)
{
	return t->rd;
}

const char *api_trace_path(const mmusim_trace *t)
{
	return t->path;
}

const char *mmusim_trace_warning(const mmusim_trace *t)
{
	return trace_reader_warning(t->rd);
}

void mmusim_trace_progress(const mmusim_trace *t, uint64_t *offset, uint64_t *size)
{
	if (offset)
		*offset = trace_reader_offset(t->rd);
	if (size)
		*size = trace_reader_size(t->rd);
}

void mmusim_trace_close(mmusim_trace *t)
{
	if (!t)
		return;
	trace_reader_close(t->rd);
	free(t->path);
	free(t);
}

struct mmusim_trace_writer {
	struct trace_writer *w;
	struct trace_event batch[TRACE_BATCH];
};

int mmusim_trace_writer_open(const char *path, mmusim_trace_writer **out, mmusim_error *err)
{
	struct mm_error e = { 0 };
	struct mmusim_trace_writer *w;

	API_REFUSE_NULL(err, out);
	*out = NULL;
	API_REFUSE_NULL(err, path);
	w = calloc(1, sizeof(*w));
	if (!w)
		return api_error(err, &(struct mm_error){ MM_ENOMEM, "out of host memory" });
	if (trace_writer_open(path, &w->w, &e)) {
		free(w);
		return api_error(err, &e);
	}
	*out = w;
	return MMUSIM_OK;
}

int mmusim_trace_writer_put(mmusim_trace_writer *w, const mmusim_event *ev, size_t n, mmusim_error *err)
{
	struct mm_error e = { 0 };

	if (n)
		API_REFUSE_NULL(err, ev);
	while (n) {
		size_t k = n < TRACE_BATCH ? n : TRACE_BATCH;
		for (size_t i = 0; i < k; i++) {
			if (api_check_event(&ev[i], &e))
				return api_error(err, &e);
			api_event_from_public(&ev[i], &w->batch[i]);
		}
		if (trace_writer_put(w->w, w->batch, k, &e))
			return api_error(err, &e);
		ev += k;
		n -= k;
	}
	return MMUSIM_OK;
}

int mmusim_trace_writer_close(mmusim_trace_writer *w, mmusim_error *err)
{
	struct mm_error e = { 0 };
	int rc;

	if (!w)
		return MMUSIM_OK;
	rc = trace_writer_close(w->w, &e);
	free(w);
	return rc ? api_error(err, &e) : MMUSIM_OK;
}

void mmusim_trace_writer_abort(mmusim_trace_writer *w)
{
	if (!w)
		return;
	trace_writer_abort(w->w);
	free(w);
}
