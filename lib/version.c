/* version: the library's version and the git revision it was built from. */
#include "mmusim.h"
#include "api.h"

#include "mmusim_revision.h"

_Static_assert(MMUSIM_VERSION_NUMBER == ((MMUSIM_PROJECT_VERSION_MAJOR << 16) |
					 (MMUSIM_PROJECT_VERSION_MINOR << 8) |
					 MMUSIM_PROJECT_VERSION_PATCH),
	       "include/mmusim.h and project(VERSION) in CMakeLists.txt name the same version");

const char *mmusim_version(void)
{
	return MMUSIM_PROJECT_VERSION;
}

unsigned mmusim_version_number(void)
{
	return MMUSIM_VERSION_NUMBER;
}

const char *mmusim_git_revision(void)
{
	return MMUSIM_GIT_REVISION;
}

const char *mmusim_status_name(int code)
{
	static const char *const names[] = {
		[MMUSIM_OK] = "ok",
		[MMUSIM_EINVAL] = "invalid",
		[MMUSIM_ERANGE] = "range",
		[MMUSIM_EUNALIGNED] = "unaligned",
		[MMUSIM_EOVERFLOW] = "overflow",
		[MMUSIM_ENOMEM] = "no-memory",
		[MMUSIM_EBUS] = "bus-error",
		[MMUSIM_EIO] = "io",
	};
	if (code < 0 || code >= (int)(sizeof(names) / sizeof(names[0])))
		return "unknown";
	return names[code];
}

void mmusim_error_prefix(mmusim_error *err, const char *prefix)
{
	struct mm_error e;

	if (!err || !prefix)
		return;
	e.code = err->code;
	memcpy(e.msg, err->message, sizeof(e.msg));
	e.msg[sizeof(e.msg) - 1] = '\0';
	mm_error_prefix(&e, "%s", prefix);
	memcpy(err->message, e.msg, sizeof(err->message));
}
