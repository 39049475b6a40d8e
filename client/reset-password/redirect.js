// replace(): the link with the token doesn't stay in the back-button history.
location.replace("../" + location.search);
