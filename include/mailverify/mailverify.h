// mailverify/mailverify.h: the whole public API of the mailverify library in one include.
#pragma once

#include "mailverify/resolver.h"
#include "mailverify/verifier.h"
#include "mailverify/version.h"
