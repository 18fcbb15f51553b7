/*
 * pte_fields: a format's PTE fields by name, for authoring entries by hand
 * (`pte VA LEVEL field=value`).  Each format lists its fields in its ops
 * table (pt_arch.pte_fields), with the names explain prints in lower case.
 *
 * A field is `width` bits at `shift`.  Its value is written in units of
 * 2^unit_shift: 0 for flags and plain numbers, 12 for an address field
 * whose value is a byte address (x86 addr: PA bits 51:12 in bits 51:12;
 * RISC-V addr: PA bits 55:12 in the PPN at bits 53:10).
 */
#ifndef MMUSIM_PT_PTE_FIELDS_H
#define MMUSIM_PT_PTE_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm_error.h"

struct paging_consts;
struct pt_arch;

struct pte_field {
	const char *name;   /* lower case, at most PTE_FIELD_NAME_MAX letters, digits or '_' */
	uint8_t shift;
	uint8_t width;
	uint8_t unit_shift;
};

#define PTE_FIELDS_MAX 32
#define PTE_FIELD_NAME_MAX 10

/*
 * A field name packed into 60 bits (six per character), so that an event
 * can carry it: false for a name that is empty, too long or has a character
 * other than a letter, a digit or '_' (letters are folded to lower case).
 */
bool pte_field_name_pack(const char *name, uint64_t *packed);
/* The name back, NUL-terminated. */
void pte_field_name_unpack(uint64_t packed, char out[PTE_FIELD_NAME_MAX + 1]);

/*
 * Replaces field `packed` of the entry *pte read at `level`, with value in the
 * field's units.  Errors: "unknown field 'x' for a level-3 entry of x86_64
 * (fields: p rw ...)", "value 0x4 is wider than field us (1 bit)", "addr
 * 0x1234 is not a multiple of 0x1000".
 */
int pte_field_set(const struct pt_arch *arch, const struct paging_consts *pc, unsigned level, uint64_t *pte,
		  uint64_t packed, uint64_t value, struct mm_error *err);

/* Appends n fields to out at *count (the per-format lists are built of such runs). */
static inline void pte_fields_put(struct pte_field *out, unsigned *count, const struct pte_field *from, unsigned n)
{
	for (unsigned i = 0; i < n && *count < PTE_FIELDS_MAX; i++)
		out[(*count)++] = from[i];
}

#define PTE_FIELDS_PUT(out, count, table) pte_fields_put(out, count, table, sizeof(table) / sizeof(table[0]))

#endif
