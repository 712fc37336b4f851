/*
 * errname.h: the name of an errno value ("ENOENT"), for the fixtures' output, which
 * must not depend on strerror's wording.  The list is WASI preview 1's errno enum,
 * as wasi-libc's <errno.h> spells it (ENOTCAPABLE is WASI's own: a right the file
 * descriptor lacks, or a path outside every preopen).
 */
#include <errno.h>
#include <stdio.h>

static const struct { int value; const char *name; } errnames[] = {
	{ E2BIG, "E2BIG" },
	{ EACCES, "EACCES" },
	{ EADDRINUSE, "EADDRINUSE" },
	{ EADDRNOTAVAIL, "EADDRNOTAVAIL" },
	{ EAFNOSUPPORT, "EAFNOSUPPORT" },
	{ EAGAIN, "EAGAIN" },
	{ EALREADY, "EALREADY" },
	{ EBADF, "EBADF" },
	{ EBADMSG, "EBADMSG" },
	{ EBUSY, "EBUSY" },
	{ ECANCELED, "ECANCELED" },
	{ ECHILD, "ECHILD" },
	{ ECONNABORTED, "ECONNABORTED" },
	{ ECONNREFUSED, "ECONNREFUSED" },
	{ ECONNRESET, "ECONNRESET" },
	{ EDEADLK, "EDEADLK" },
	{ EDESTADDRREQ, "EDESTADDRREQ" },
	{ EDOM, "EDOM" },
	{ EDQUOT, "EDQUOT" },
	{ EEXIST, "EEXIST" },
	{ EFAULT, "EFAULT" },
	{ EFBIG, "EFBIG" },
	{ EHOSTUNREACH, "EHOSTUNREACH" },
	{ EIDRM, "EIDRM" },
	{ EILSEQ, "EILSEQ" },
	{ EINPROGRESS, "EINPROGRESS" },
	{ EINTR, "EINTR" },
	{ EINVAL, "EINVAL" },
	{ EIO, "EIO" },
	{ EISCONN, "EISCONN" },
	{ EISDIR, "EISDIR" },
	{ ELOOP, "ELOOP" },
	{ EMFILE, "EMFILE" },
	{ EMLINK, "EMLINK" },
	{ EMSGSIZE, "EMSGSIZE" },
	{ EMULTIHOP, "EMULTIHOP" },
	{ ENAMETOOLONG, "ENAMETOOLONG" },
	{ ENETDOWN, "ENETDOWN" },
	{ ENETRESET, "ENETRESET" },
	{ ENETUNREACH, "ENETUNREACH" },
	{ ENFILE, "ENFILE" },
	{ ENOBUFS, "ENOBUFS" },
	{ ENODEV, "ENODEV" },
	{ ENOENT, "ENOENT" },
	{ ENOEXEC, "ENOEXEC" },
	{ ENOLCK, "ENOLCK" },
	{ ENOLINK, "ENOLINK" },
	{ ENOMEM, "ENOMEM" },
	{ ENOMSG, "ENOMSG" },
	{ ENOPROTOOPT, "ENOPROTOOPT" },
	{ ENOSPC, "ENOSPC" },
	{ ENOSYS, "ENOSYS" },
	{ ENOTCONN, "ENOTCONN" },
	{ ENOTDIR, "ENOTDIR" },
	{ ENOTEMPTY, "ENOTEMPTY" },
	{ ENOTRECOVERABLE, "ENOTRECOVERABLE" },
	{ ENOTSOCK, "ENOTSOCK" },
	{ ENOTSUP, "ENOTSUP" },
	{ ENOTTY, "ENOTTY" },
	{ ENXIO, "ENXIO" },
	{ EOVERFLOW, "EOVERFLOW" },
	{ EOWNERDEAD, "EOWNERDEAD" },
	{ EPERM, "EPERM" },
	{ EPIPE, "EPIPE" },
	{ EPROTO, "EPROTO" },
	{ EPROTONOSUPPORT, "EPROTONOSUPPORT" },
	{ EPROTOTYPE, "EPROTOTYPE" },
	{ ERANGE, "ERANGE" },
	{ EROFS, "EROFS" },
	{ ESPIPE, "ESPIPE" },
	{ ESRCH, "ESRCH" },
	{ ESTALE, "ESTALE" },
	{ ETIMEDOUT, "ETIMEDOUT" },
	{ ETXTBSY, "ETXTBSY" },
	{ EXDEV, "EXDEV" },
#ifdef ENOTCAPABLE
	{ ENOTCAPABLE, "ENOTCAPABLE" },
#endif
};

/* errname: "ENOENT" for ENOENT, "0" for 0, "errno 1234" for a value not in the list
 * (in a static buffer). */
static const char *
errname(int e)
{
	static char other[32];
	size_t i;

	if (e == 0)
		return "0";
	for (i = 0; i < sizeof errnames / sizeof errnames[0]; i++)
		if (errnames[i].value == e)
			return errnames[i].name;
	snprintf(other, sizeof other, "errno %d", e);
	return other;
}
