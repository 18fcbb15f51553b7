/* number: parsing of decimal / hex numbers with optional size suffixes. */
#include "number.h"

#include <string.h>

/* log2 of the multiplier a suffix names, 0 for none, -1 if it is not a suffix. */
static int suffix_shift(const char *s)
{
	static const char units[] = "KMGT";
	const char *u;

	if (*s == '\0')
		return 0;
	u = strchr(units, s[0]);
	if (!u || s[0] == '\0')
		return -1;
	if (s[1] == '\0' || strcmp(s + 1, "iB") == 0)
		return 10 * (int)(u - units + 1);
	return -1;
}

enum number_status number_parse(const char *s, bool allow_suffix, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;
	const char *p = s;
	bool overflow = false;
	int shift;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	const char *digits = p;
	for (;; p++) {
		unsigned d;
		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			break;
		/* Keep scanning: "1x" past the overflow is still not a number at all. */
		if (v > (UINT64_MAX - d) / base)
			overflow = true;
		else
			v = v * base + d;
	}
	if (p == digits)
		return NUMBER_INVALID;
	shift = suffix_shift(p);
	if (shift < 0 || (shift > 0 && !allow_suffix))
		return NUMBER_INVALID;
	if (overflow || (shift > 0 && v > (UINT64_MAX >> shift)))
		return NUMBER_OVERFLOW;
	*out = v << shift;
	return NUMBER_OK;
}

const char *number_why_not(const char *s)
{
	bool digit = false, point = false;

	if (s[0] == '-' && s[1] >= '0' && s[1] <= '9')
		return "is negative";
	if (s[0] == '+' || s[0] == '-')
		s++;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digit = true;
		else if (*s == '.' || ((*s == 'e' || *s == 'E') && digit))
			point = true;
		else if (!((*s == '+' || *s == '-') && (s[-1] == 'e' || s[-1] == 'E')))
			return NULL;
	}
	return digit && point ? "is not written as a whole number" : NULL;
}
