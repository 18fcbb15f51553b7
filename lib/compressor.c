/* compressor: the public face of formats/compress_sink (see mmusim.h). */
#include "api.h"

#include "formats/compress_sink.h"

mmusim_compressor *mmusim_compressor_open(const char *name, int fd)
{
	return (mmusim_compressor *)compress_sink_open(name, fd);
}

bool mmusim_compressor_write(mmusim_compressor *c, const void *buf, size_t n)
{
	return compress_sink_write((struct compress_sink *)c, buf, n);
}

bool mmusim_compressor_finish(mmusim_compressor *c)
{
	return compress_sink_finish((struct compress_sink *)c);
}

void mmusim_compressor_free(mmusim_compressor *c)
{
	compress_sink_free((struct compress_sink *)c);
}
