#pragma once
// Everything the app layer needs to build, sign, verify and render a job report.
#include "lockdiag/reports/codec.h"
#include "lockdiag/reports/crypto.h"
#include "lockdiag/reports/keys.h"
#include "lockdiag/reports/model.h"
#include "lockdiag/reports/render.h"
#include "lockdiag/reports/sign.h"
#include "lockdiag/reports/ssh.h"
#include "lockdiag/reports/sshsig.h"
#include "lockdiag/reports/timefmt.h"
#include "lockdiag/reports/trust.h"
#include "lockdiag/reports/verify.h"
