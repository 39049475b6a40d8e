"""Sending mail with the standard library: smtplib and EmailMessage."""
import smtplib
import threading
from email.message import EmailMessage

from flask import current_app


def send_mail(to, subject, body):
    """Send in a background thread: the HTTP answer doesn't wait for the mail
    server, so its timing says nothing about whether a mail was sent."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    app = current_app._get_current_object()  # the thread needs the app itself, not the proxy
    threading.Thread(target=deliver, args=(app, message), name="send-mail").start()


def deliver(app, message):
    config = app.config
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
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        # Log who and what failed, never the body: it may hold a reset token.
        app.logger.error("could not send mail %r to %s: %s", message["Subject"], message["To"], error)
