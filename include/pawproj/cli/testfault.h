/* testfault.h — faults the tests inject into a real run, to check what a
 * user's job does when it is signalled or killed at a known point
 * (tests/integration/test_checkpoint.py). Off unless both variables are
 * set: PAWPROJ_TEST_SIGNAL_AFTER=N and PAWPROJ_TEST_SIGNAL=SIG make rank 0
 * of the world send itself signal SIG at point N (for `project`: after
 * its defect N, 0-based, is done). PAWPROJ_TEST_SIGNAL_ITEM=D:R with
 * PAWPROJ_TEST_SIGNAL does the same after round R of defect D's items
 * (overlap.h), inside the defect. */
#ifndef PAWPROJ_TESTFAULT_H
#define PAWPROJ_TESTFAULT_H

void pp_testfault_point(int n);
void pp_testfault_item(int defect, int round);

#endif
