from django.db import models


class Booking(models.Model):
    booking_id = models.TextField()
    charge = models.TextField()
    home_address = models.TextField()
    release_date = models.TextField()

    class Meta:
        app_label = "records"
        db_table = "bookings"
