// casework: everything a host application needs, in one include.
#ifndef CASEWORK_CASEWORK_H_
#define CASEWORK_CASEWORK_H_

#include "casework/case.h"
#include "casework/engine.h"
#include "casework/field.h"
#include "casework/formula.h"
#include "casework/history.h"
#include "casework/json.h"
#include "casework/listing.h"
#include "casework/options.h"
#include "casework/result.h"
#include "casework/status.h"
#include "casework/step.h"
#include "casework/sync.h"
#include "casework/template.h"
#include "casework/time.h"
#include "casework/transfer.h"
#include "casework/transition.h"
#include "casework/user.h"
#include "casework/verify.h"
#include "casework/workspace.h"

#endif  // CASEWORK_CASEWORK_H_
