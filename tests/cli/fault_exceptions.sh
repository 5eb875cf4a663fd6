# Sourced by run_exit_codes_test.sh and run_serve_faults_test.sh: the fault switches a plain
# `run --fail-on practice` does not turn into exit 1, each list with its reason. Every other
# fault must make the run exit 1.

# Deviations the catalogue tolerates: reported non-strict, exit 0.
#   b64-accept-missing-padding  B64-05 LENIENT: unpadded Base64 accepted
#   mech-names-lower-case       CAP-02 LENIENT: lower-case mechanism names advertised
#   bare-lf-line-end            SYN-16 LENIENT: a bare LF ends the command line
#   digest-list-strict          DIG-10 LENIENT: blanks and empty elements in a DIGEST-MD5 list refused
declare -A tolerated=([b64-accept-missing-padding]=1 [mech-names-lower-case]=1 [bare-lf-line-end]=1
                      [digest-list-strict]=1)
# Exposed only under the submission policy (AUTH required before MAIL): run with --submission.
# (anonymous-may-submit: AN-04, an ANONYMOUS login on a submission server.)
declare -A submission=([mail-after-failed-auth]=1 [mail-without-auth]=1 [submission-extensions-missing]=1
                       [pipelined-after-auth-discarded]=1 [anonymous-may-submit]=1)
declare -A not_exposed=(
# Its cases need EXTERNAL, which needs a client certificate or a configured lower-layer identity
# (RFC 4422 App. A); the negative-control test covers them with an identity set up.
                         [external-challenge-data]=1
# Its case (LIM-04) waits a minute in the middle of an exchange, so it is optional (run
# --optional) and the default run does not include it; the negative-control test runs it
# in-process, where the minute passes in virtual time.
                         [idle-timeout-short]=1)
# Their cases need a state without -PLUS names, which only cleartext gives the built-in server
# (-PLUS offered without TLS; the gs2 flag "y" while no -PLUS is offered): run with --tls none.
declare -A cleartext=([plus-offered-in-cleartext]=1 [scram-y-flag-refused]=1)
# Their cases need implicit TLS (RFC 8314 §3.3: TLS from the first byte): run with --tls implicit
# (and `serve --implicit-tls`). Every connection fails there, so the cases crash (G4) as well.
declare -A implicit=([implicit-tls-cleartext-greeting]=1)
