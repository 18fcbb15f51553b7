/*
 * mmusim_config_from_image: the machine an image describes by itself (OSTEP's
 * linear page table names its geometry in its ARG lines), as a config.
 */
#include "api.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/image_ostep.h"
#include "formats/image_ostep_linear.h"

/* The script's largest table (1g / 32-byte pages) is 2^25 lines of 13 bytes: read files up to 1 GiB. */
#define MAX_TEXT (1ull << 30)

static int read_text(const char *path, uint8_t **out, size_t *len, struct mm_error *e)
{
	/* O_NONBLOCK: a FIFO must not hang the open (image_open refuses what is not a regular file). */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	FILE *f = NULL;
	size_t cap = 1 << 16, n = 0, got;
	uint8_t *buf = NULL, *grown;

	*out = NULL;
	if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || !(f = fdopen(fd, "rb"))))
		close(fd);
	if (!f)
		return MM_OK;  /* image_open reports it with its own words */
	do {
		if (n == cap - 1 || !buf) {
			if (buf)
				cap *= 2;
			if (cap > MAX_TEXT || !(grown = realloc(buf, cap))) {
				free(buf);
				fclose(f);
				return mm_error_set(e, MM_ENOMEM, "%s: out of host memory", path);
			}
			buf = grown;
		}
		got = fread(buf + n, 1, cap - 1 - n, f);
		n += got;
		/* Not OSTEP's text (an ELF, a raw dump): no need to read it all. */
		if (n == got && !image_ostep_detect(buf, n))
			break;
	} while (got);
	fclose(f);
	*out = buf;
	*len = n;
	return MM_OK;
}

int mmusim_config_from_image(const char *path, mmusim_config **out, mmusim_error *err)
{
	struct mm_error e = { 0 };
	struct ostep_linear d;
	uint8_t *text;
	size_t len;
	char yaml[1024];
	int rc;

	API_REFUSE_NULL(err, out);
	*out = NULL;
	API_REFUSE_NULL(err, path);
	if ((rc = read_text(path, &text, &len, &e)))
		return api_error(err, &e);
	if (!text || !image_ostep_linear_detect(text, len)) {
		free(text);
		return MMUSIM_OK;
	}
	rc = image_ostep_linear_parse(path, text, len, &d, &e);
	free(text);
	if (rc) {
		image_ostep_linear_free(&d);
		return api_error(err, &e);
	}
	size_t n = image_ostep_linear_config(&d, yaml, sizeof(yaml));
	image_ostep_linear_free(&d);
	if (n >= sizeof(yaml))
		return api_error(err, &(struct mm_error){ MM_EINVAL, "the dump's config does not fit its buffer" });
	return mmusim_config_parse(yaml, n, "<ostep-linear>", out, err);
}
