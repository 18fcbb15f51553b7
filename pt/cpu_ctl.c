/* cpu_ctl: the `cpu:` keys a format lists, read and stored without naming any. */
#include "cpu_ctl.h"

#include <string.h>

#include "text_buf.h"

/* Every enum field a CPU_KEY_CHOICE names is stored as an unsigned. */
_Static_assert(sizeof(enum ad_policy) == sizeof(unsigned), "enum ad_policy stored as unsigned");

const struct cpu_key *cpu_key_find(const struct cpu_key *keys, const char *name)
{
	for (const struct cpu_key *k = keys; k && k->name; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

void cpu_key_store(const struct cpu_key *key, struct cpu_ctl *ctl, uint64_t value)
{
	char *field = (char *)ctl + key->offset;

	switch (key->type) {
	case CPU_KEY_BOOL:
		*(bool *)field = value != 0;
		break;
	case CPU_KEY_U32:
		*(uint32_t *)field = (uint32_t)value;
		break;
	case CPU_KEY_U64:
		*(uint64_t *)field = value;
		break;
	case CPU_KEY_CHOICE:
		*(unsigned *)field = (unsigned)value;
		break;
	}
}

void cpu_ctl_defaults(struct cpu_ctl *ctl, const struct cpu_key *keys)
{
	for (const struct cpu_key *k = keys; k && k->name; k++)
		cpu_key_store(k, ctl, k->default_value);
}

void cpu_key_choices_text(const struct cpu_key *key, char *buf, size_t len)
{
	size_t n = 0, count = 0;

	buf[0] = '\0';
	while (key->choices && key->choices[count].name)
		count++;
	for (size_t i = 0; i < count; i++)
		text_put_listed(buf, len, &n, i, count, key->choices[i].name);
}
