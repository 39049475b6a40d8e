"""Sending mail with the standard library: smtplib and EmailMessage."""
import smtplib
import threading
from email.message import EmailMessage

from flask import current_app


def send_mail(to, subject, body, really=True):
    """Send in a background thread: the HTTP answer doesn't wait for the mail
    server, so its timing says nothing about whether a mail was sent.
    really=False does all the same work but drops the mail in the thread.
    The tests set MAIL_IN_BACKGROUND=False: the same delivery, before the answer."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    app = current_app._get_current_object()  # the thread needs the app itself, not the proxy
    recipients = [to] if really else []
    if not app.config["MAIL_IN_BACKGROUND"]:
        deliver(app, message, recipients)
        return
    threading.Thread(target=deliver, args=(app, message, recipients), name="send-mail").start()


def deliver(app, message, recipients):
    config = app.config
    if not recipients:
        return
    if not config["MAIL_SERVER"]:
        # Development: show the mail, so a learner can click the link in it.
        # get_content() is the decoded text: str(message) would show the
        # transfer encoding, with the link split over lines and "=" as "=3D".
        print(f"----- mail (no MAIL_SERVER set) -----\nTo: {message['To']}\n"
              f"Subject: {message['Subject']}\n\n{message.get_content()}-----", flush=True)
        return
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            # Explicit recipients: nothing in the headers can add another one.
            smtp.send_message(message, to_addrs=recipients)
    except (OSError, smtplib.SMTPException) as error:
        # Log what failed, never the body (it may hold a reset token) nor the
        # address (the log is read by more people than the mailbox is).
        app.logger.error("could not send mail %r: %s", message["Subject"], error)
