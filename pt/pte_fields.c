/* pte_fields: PTE fields by name (see pte_fields.h). */
#include "pte_fields.h"

#include <string.h>

#include "pt_arch.h"
#include "text_buf.h"

/* 0 ends the name; 1..26 a-z, 27..36 0-9, 37 '_'. */
static unsigned char_code(char c)
{
	if (c >= 'A' && c <= 'Z')
		c = (char)(c - 'A' + 'a');
	if (c >= 'a' && c <= 'z')
		return (unsigned)(c - 'a') + 1;
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0') + 27;
	return c == '_' ? 37 : 0;
}

bool pte_field_name_pack(const char *name, uint64_t *packed)
{
	size_t len = strlen(name);
	uint64_t v = 0;

	if (len == 0 || len > PTE_FIELD_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned code = char_code(name[i]);
		if (!code)
			return false;
		v |= (uint64_t)code << (6 * i);
	}
	*packed = v;
	return true;
}

void pte_field_name_unpack(uint64_t packed, char out[PTE_FIELD_NAME_MAX + 1])
{
	static const char chars[] = "?abcdefghijklmnopqrstuvwxyz0123456789_";
	size_t i;

	for (i = 0; i < PTE_FIELD_NAME_MAX; i++) {
		unsigned code = (unsigned)(packed >> (6 * i)) & 63;
		if (!code || code >= sizeof(chars) - 1)
			break;
		out[i] = chars[code];
	}
	out[i] = '\0';
}

int pte_field_set(const struct pt_arch *arch, const struct paging_consts *pc, unsigned level, uint64_t *pte,
		  uint64_t packed, uint64_t value, struct mm_error *err)
{
	struct pte_field fields[PTE_FIELDS_MAX];
	unsigned n = arch->pte_fields ? arch->pte_fields(pc, level, *pte, fields) : 0;
	char name[PTE_FIELD_NAME_MAX + 1];

	pte_field_name_unpack(packed, name);
	for (unsigned i = 0; i < n; i++) {
		const struct pte_field *f = &fields[i];
		if (strcmp(f->name, name) != 0)
			continue;
		uint64_t unit = (1ull << f->unit_shift) - 1;
		uint64_t units = value >> f->unit_shift;
		if (value & unit)
			return mm_error_set(err, MM_EINVAL, "%s 0x%llx is not a multiple of 0x%llx", name,
					    (unsigned long long)value, (unsigned long long)unit + 1);
		uint64_t max = f->width >= 64 ? ~0ull : (1ull << f->width) - 1;
		if (units > max) {
			if (f->unit_shift)
				return mm_error_set(err, MM_EINVAL,
						    "value 0x%llx is wider than field %s (addresses below 0x%llx)",
						    (unsigned long long)value, name,
						    (unsigned long long)((max + 1) << f->unit_shift));
			return mm_error_set(err, MM_EINVAL, "value 0x%llx is wider than field %s (%u bit%s)",
					    (unsigned long long)value, name, f->width, f->width == 1 ? "" : "s");
		}
		*pte = (*pte & ~(max << f->shift)) | (units << f->shift);
		return MM_OK;
	}
	char list[512];
	size_t len = 0;
	list[0] = '\0';
	for (unsigned i = 0; i < n; i++)
		text_put(list, sizeof(list), &len, "%s%s", i ? " " : "", fields[i].name);
	if (!n)
		return mm_error_set(err, MM_EINVAL, "format %s names no PTE fields: use set-pte", arch->name);
	return mm_error_set(err, MM_EINVAL, "unknown field '%s' for a level-%u entry of %s (fields: %s)", name, level,
			    arch->name, list);
}
