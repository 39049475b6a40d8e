"""Proof that step 12's attacker tests bite: apply one naive change to step 12's
authapp/oidc/, run the tests that must catch it, put the file back.

    cd steps/12-sign-in-with && ../../.venv/bin/python ../../notes/step-12-mutants.py          # every mutant
    cd steps/12-sign-in-with && ../../.venv/bin/python ../../notes/step-12-mutants.py "open next"
"""
import subprocess
import sys
from pathlib import Path

VIEWS, ACCOUNTS = "authapp/oidc/views.py", "authapp/oidc/accounts.py"
# name: (file, the careful code, the naive code, the tests that must fail: a pytest -k expression)
MUTANTS = {
    "no iss check": (VIEWS, '        raise SignInRefused("wrong_issuer")', "        pass",
                     "another_provider or without_iss"),
    "no sub comparison": (VIEWS, 'if userinfo.get("sub") != claims["sub"]:', "if False:", "another_subject"),
    "email_verified not required": (
        ACCOUNTS, 'if email is None or userinfo.get("email_verified") is not True:', "if email is None:",
        "unverified"),
    "email_verified truthy": (ACCOUNTS, 'userinfo.get("email_verified") is not True',
                              'not userinfo.get("email_verified")', "string"),
    "match by email": (
        ACCOUNTS,
        "    if db.session.scalar(db.select(User.id).where(User.email == email)) is not None:\n"
        '        raise SignInRefused("account_exists")',
        "    if (held := db.session.scalar(db.select(User).where(User.email == email))) is not None:\n"
        "        identity = Identity(user=held, issuer=issuer, subject=subject)\n"
        "        db.session.add(identity)\n"
        "        return identity",
        "existing_account"),
    "two-factor skipped": (VIEWS, "    if user.two_factor_enabled:\n", "    if False:\n", "two_factor"),
    "open next": (VIEWS, "return redirect(f\"{current_app.config['FRONTEND_URL']}/?{urlencode(result)}\", code=302)",
                  "return redirect(request.args.get('next') or "
                  "f\"{current_app.config['FRONTEND_URL']}/?{urlencode(result)}\")",
                  "only_to_the_front_end"),
    "no proof to link": (VIEWS, "    require_proof(g.user, proof_in_the_body())  # a stolen session alone",
                         "    proof_in_the_body()  # a stolen session alone", "test_linking_needs"),
    "no proof to unlink": (VIEWS, "    require_proof(g.user, json_object())\n    db.session.delete",
                           "    db.session.delete", "unlinking_needs or last_way"),
    "link takes another's identity": (
        ACCOUNTS, '        raise SignInRefused("identity_taken")\n    if identity is None:',
        "        identity.user = user\n    if identity is None:", "not_taken"),
    "no IntegrityError catch": (ACCOUNTS, '''    try:
        db.session.flush()
    except IntegrityError:  # the same address or identity, made by a request at the same moment
        db.session.rollback()
        raise SignInRefused("account_exists") from None''', "    db.session.flush()", "at_once"),
}


def run(name):
    path, careful, naive, tests = MUTANTS[name]
    text = Path(path).read_text()
    assert text.count(careful) == 1, f"{name}: the careful code is not (once) in {path}"
    Path(path).write_text(text.replace(careful, naive))
    try:
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                               "tests/test_sign_in_with.py", "-k", tests], capture_output=True, text=True)
    finally:
        Path(path).write_text(text)
    caught = done.returncode != 0
    print(f"{'caught' if caught else 'NOT CAUGHT'}: {name}: {done.stdout.strip().splitlines()[-1]}")
    return caught


if __name__ == "__main__":
    names = sys.argv[1:] or list(MUTANTS)
    sys.exit(0 if all([run(name) for name in names]) else 1)
