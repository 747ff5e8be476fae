// MPI for the Cluster module. Open MPI's handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, MPI_ERRORS_RETURN) are
// macros over global structs that Swift cannot import, and MPICH's are integer macros: both reach Swift through
// these functions, so Swift code never names a handle macro. The library comes from pkg-config (ompi or mpich).
#ifndef SWIFTBERT_CMPI_SHIM_H
#define SWIFTBERT_CMPI_SHIM_H
#include <mpi.h>

static inline MPI_Comm sb_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype sb_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype sb_double(void) { return MPI_DOUBLE; }
static inline MPI_Op sb_sum(void) { return MPI_SUM; }
static inline MPI_Op sb_max(void) { return MPI_MAX; }
static inline MPI_Errhandler sb_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline void *sb_in_place(void) { return MPI_IN_PLACE; }
static inline int sb_success(void) { return MPI_SUCCESS; }
static inline int sb_max_error_string(void) { return MPI_MAX_ERROR_STRING; }
static inline int sb_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
#endif
